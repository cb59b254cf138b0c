"""The app server (``python -m dashboard``): the database made ready before anyone is answered, then Streamlit's own
server (``st.App``) with the two routes that keep a built-in sign-in in an HTTP-only cookie.

A Streamlit script talks to the browser over a websocket and cannot set a cookie; an HTTP response can. After the
password is checked, the page sends the browser to ``/_dashboard/session`` with a one-time code (data_model.accounts);
that response sets the cookie and returns the browser to the address it asked for. Every later page run reads the
cookie from the websocket's handshake (``st.context.cookies``). A middleware keeps the address asked for across
single sign-on, which would otherwise land on the home page.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from functools import lru_cache
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, quote

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parent.parent
SESSION_PATH = "/_dashboard/session"
SIGN_OUT_PATH = "/_dashboard/sign-out"
NEXT_COOKIE = "dashboard_next"  # the address asked for, kept across a single sign-on round trip
_mounted = False


def cookie_routes_mounted() -> bool:
    """True in a server started by this module; False under plain ``streamlit run`` or AppTest, where a sign-in
    lasts as long as the browser tab."""
    return _mounted


def base_path() -> str:
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def safe_next(target: str | None) -> str:
    """A path on this site to send the browser back to; anything else (another site, a scheme) becomes the home page."""
    base = base_path()
    target = (target or "").strip()
    if (not target.startswith("/") or target.startswith("//") or "\\" in target or len(target) > 2000
            or any(ch in target for ch in "\r\n\t")):
        return base + "/"
    return target if target.startswith(base + "/") else base + target


def session_url(code: str, next_path: str) -> str:
    return f"{base_path()}{SESSION_PATH}?code={quote(code)}&next={quote(next_path)}"


def sign_out_url() -> str:
    return f"{base_path()}{SIGN_OUT_PATH}"


@lru_cache(maxsize=1)
def _engine() -> Engine:
    from data_model import make_engine

    return make_engine()  # the launcher migrated it before serving


def _secure(request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


async def _session(request):
    """Trade a one-time code for the session cookie, then back to the address the person asked for."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import RedirectResponse

    from data_model import accounts

    cookie = await run_in_threadpool(accounts.redeem_handoff, _engine(), request.query_params.get("code", ""))
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    if cookie is not None:
        response.set_cookie(accounts.SESSION_COOKIE, cookie.value, max_age=cookie.max_age, path=base_path() or "/",
                            httponly=True, samesite="lax", secure=_secure(request))
    return response


async def _sign_out(request):
    """The session has been ended in the database already (ui.auth.sign_out); the browser forgets its cookie too."""
    from starlette.responses import RedirectResponse

    from data_model import accounts

    response = RedirectResponse(base_path() + "/", status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.delete_cookie(accounts.SESSION_COOKIE, path=base_path() or "/", httponly=True, samesite="lax")
    return response


class KeepAddressThroughSingleSignOn:
    """``/auth/login?...&next=/overview?board=x`` remembers the address in a short-lived cookie; the provider's
    callback, which Streamlit answers with a redirect to the home page, is sent there instead."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path, base = scope.get("path", ""), base_path()
        if path == f"{base}/auth/login":
            wanted = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("next", [None])[0]
            if wanted:
                value = quote(safe_next(wanted), safe="")
                return await self.app(scope, receive, _adding_header(
                    send, f"{NEXT_COOKIE}={value}; Max-Age=900; Path={base or '/'}; HttpOnly; SameSite=Lax"))
        if path == f"{base}/oauth2callback":
            wanted = _request_cookie(scope, NEXT_COOKIE)
            if wanted:
                return await self.app(scope, receive, _redirecting(send, base + "/", safe_next(wanted), base))
        return await self.app(scope, receive, send)


def _request_cookie(scope, name: str) -> str | None:
    from urllib.parse import unquote

    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header: nothing to keep
                return None
            if name in jar:
                return unquote(jar[name].value)
    return None


def _adding_header(send, cookie: str):
    async def wrapped(message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode("latin-1"))]}
        await send(message)

    return wrapped


def _redirecting(send, home: str, target: str, base: str):
    async def wrapped(message) -> None:
        if message["type"] == "http.response.start" and message.get("status") in (302, 303, 307):
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"location"]
            location = dict(message.get("headers", [])).get(b"location", b"").decode("latin-1")
            headers.append((b"location", (target if location == home else location).encode("latin-1")))
            headers.append((b"set-cookie", f"{NEXT_COOKIE}=; Max-Age=0; Path={base or '/'}; HttpOnly; "
                                           "SameSite=Lax".encode("latin-1")))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


def build_app():
    """Streamlit's server for dashboard.py, with the cookie routes and the single sign-on middleware."""
    global _mounted
    import streamlit as st
    from starlette.middleware import Middleware
    from starlette.routing import Route

    base = base_path()  # the options are loaded by now (main), so a server.baseUrlPath applies here too
    routes = [Route(base + SESSION_PATH, _session, methods=["GET"]),
              Route(base + SIGN_OUT_PATH, _sign_out, methods=["GET"])]
    _mounted = True
    return st.App(str(ROOT / "dashboard.py"), routes=routes, middleware=[Middleware(KeepAddressThroughSingleSignOn)])


def sample_data_enabled() -> bool:
    """Sample boards load on the first start of an empty database unless DASHBOARD_SAMPLE_DATA=0."""
    return os.environ.get("DASHBOARD_SAMPLE_DATA", "1").lower() not in ("0", "false", "no", "off")


def load_samples_if_empty(engine: Engine) -> None:
    """The sample boards and demo accounts (printed once) into an empty database, unless DASHBOARD_SAMPLE_DATA=0."""
    if sample_data_enabled():
        from data_model.accounts import account_count
        from sample_data import database_is_empty, load_sample_data
        from sample_data.demo_accounts import create_demo_accounts

        if database_is_empty(engine):
            load_sample_data(engine)
            if account_count(engine) == 0:
                print_demo_accounts(create_demo_accounts(engine))


def print_demo_accounts(made: list[tuple[str, str, str]]) -> None:
    """Once, in the terminal that started the app: the only place the demo passwords ever appear."""
    lines = ["", "Demo accounts for the sample boards (shown once; reset with "
             "`python -m data_model users reset-password EMAIL`):"]
    lines += [f"  {role:<7} {email:<26} {password}" for email, password, role in made]
    lines += ["Switch them off on the 'Users and boards' page before real board data goes in.", ""]
    print("\n".join(lines), flush=True)


def prepare_database() -> Engine:
    """Migrations, and on an empty database the sample boards and demo accounts (passwords printed here, once),
    before the server answers anyone (unless DASHBOARD_SAMPLE_DATA=0)."""
    from data_model import open_database

    engine = open_database()
    load_samples_if_empty(engine)
    return engine


def _config(argv: Sequence[str]) -> dict[str, object]:
    """``--server.port 8600`` style options, as ``streamlit run`` takes them, typed as Streamlit declares them."""
    from streamlit import config as streamlit_config

    options: dict[str, object] = {}
    args = list(argv)
    while args:
        flag = args.pop(0)
        name, _, value = flag[2:].partition("=")
        option = streamlit_config._config_options_template.get(name) if flag.startswith("--") else None
        if option is None:
            raise SystemExit(f"Unknown option {flag!r}. Options are Streamlit's, written like --server.port 8600.")
        if not value:
            if not args:
                raise SystemExit(f"The option {flag} needs a value.")
            value = args.pop(0)
        try:
            typed: object = value.lower() in ("true", "1", "yes") if option.type is bool else option.type(value)
        except ValueError:
            kind = {int: "a whole number", float: "a number"}.get(option.type, "a value")
            raise SystemExit(f"The option {flag} takes {kind}, not {value!r}.") from None
        options[name] = [*options.get(name, []), typed] if option.multiple else typed
    return options


HELP = """usage: python -m dashboard [--server.port PORT] [--server.address HOST] [STREAMLIT OPTION VALUE ...]

Start the board dashboard: prepare the database (migrations; on an empty database the sample boards and demo
accounts, whose passwords print here once), then serve it. Open the address it prints in a browser.

options:
  -h, --help            show this message and exit
  --server.port PORT    the port to serve on (default 8501)
  --server.address HOST the address to listen on (default: every address of this machine)
  Any other Streamlit option, written like --server.headless true (see `streamlit config show`).

environment:
  DATABASE_URL          the database (default: SQLite, instance/dashboard.db in the project's folder);
                        postgresql://… for several app servers
  DASHBOARD_SAMPLE_DATA 0: start an empty database with no sample boards or demo accounts
  The README lists the other settings (session time-out, upload limits, sign-in lockout).

Example: DATABASE_URL=postgresql://board@db/board python -m dashboard --server.port 8600
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare the database, then serve; Streamlit prints the address to open."""
    from streamlit.web import bootstrap

    args = list(sys.argv[1:] if argv is None else argv)
    if "-h" in args or "--help" in args:
        print(HELP, end="")
        return 0
    config = _config(args)
    bootstrap.load_config_options(flag_options=config)  # App.run loads them again, with the same options
    started = time.monotonic()
    try:
        prepare_database().dispose()
    except OperationalError as exc:
        raise SystemExit(f"Cannot open the database ({_where()}): {str(exc.orig).strip().splitlines()[0]}. Check "
                         "DATABASE_URL and that the database server is running.") from None
    from loaders.sandbox import default_pool

    default_pool().warm_up()  # a parse worker starts now, so the first upload does not wait for one
    print(f"Database ready in {time.monotonic() - started:.1f} s ({_where()}). Starting the server…", flush=True)
    keep_on_this_machine()
    sys.argv = [str(ROOT / "dashboard.py")]
    build_app().run(config=config)
    return 0


def keep_on_this_machine() -> None:
    """Streamlit asks checkip.amazonaws.com for the machine's public address, to print an "External URL" and to
    widen its websocket origin check. A board's server asks nothing of another host: a council network may have no
    route out (the failed request is logged as an error), and the address people open is set, when it is not this
    machine's, with --browser.serverAddress or --server.corsAllowedOrigins."""
    from streamlit import net_util

    net_util.get_external_ip = lambda: None


def _where() -> str:
    from data_model import database_url

    url = database_url()
    return url.split("@")[-1] if "@" in url else url.replace(f"sqlite:///{ROOT}{os.sep}", "sqlite:///")
