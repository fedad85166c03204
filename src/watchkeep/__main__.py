from watchkeep.cli.main import main

main()
