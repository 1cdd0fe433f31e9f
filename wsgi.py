from emulation import create_app

app = create_app()
