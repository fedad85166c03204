from watchkeep.cli.main import app

app(prog_name="watchkeep")
