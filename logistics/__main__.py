from logistics.cli.start import main

main()
