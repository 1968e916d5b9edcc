from projtui.entry import main

raise SystemExit(main())
