"""The browser benchmark's floor: a page that only writes a title, run in the app's frame (database, sign-in, menu,
board picker). The app lists it only when started with DASHBOARD_BENCH_TITLE_PAGE=1 (bench/browser_bench.py)."""

import streamlit as st

st.title("Title only")
