from projtui.cli import main

raise SystemExit(main())
