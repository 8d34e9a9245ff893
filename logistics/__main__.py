from logistics.cli.main import main

main()
