from samrehab_cli.cli import main

main()
