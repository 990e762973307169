# Told when a transcript is to be redacted and the `redaction` extra (Presidio, the French spaCy
# model, stdnum) is not installed: charte never installs packages itself.
REDACTION_MISSING = (
    "redacting transcripts needs the redaction extra (Presidio and the French spaCy model): "
    "run `python3 scripts/dev.py setup --all` in a clone, or `pip install 'charte[redaction]'`"
)
