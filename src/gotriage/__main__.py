import sys

from gotriage.cli import main

sys.exit(main())
