"""Streamlit glue shared by the pages: the cached engine and the board picker. Only pages import this."""
