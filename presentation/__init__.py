"""Table and chart builders shared by the pages and the exports. Nothing here imports Streamlit."""
