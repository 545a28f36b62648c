"""Run the Empathy Editor web app: ``python app.py [--host H] [--port P] [--share]``."""

from empathy.cli import cli

if __name__ == "__main__":
    cli(["serve", *__import__("sys").argv[1:]], prog_name="app.py")
