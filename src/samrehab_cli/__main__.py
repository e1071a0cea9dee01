from samrehab_cli.cli.app import main

main()
