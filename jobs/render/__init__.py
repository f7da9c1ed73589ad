"""Official documents out of structured drafts: the model (document.py) and its .docx renderer (docx.py)."""
