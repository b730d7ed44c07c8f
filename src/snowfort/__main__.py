import sys

from snowfort.cli import main

sys.exit(main())
