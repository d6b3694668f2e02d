from postguard.cli import main

raise SystemExit(main())
