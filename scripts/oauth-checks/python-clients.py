# Real Python MCP clients through OAuth against a running app's real /mcp (development sign-in): each one discovers the
# authorization server from the /mcp 401, registers (DCR), sends the person through sign-in and consent (driven in
# headless Chromium), exchanges the code (PKCE, resource, RFC 9207 iss), then lists and calls tools.
#   1. the Python MCP SDK (`mcp` 2.3.0): OAuthClientProvider + streamable HTTP, in both protocol eras (the 2025
#      `initialize` handshake and 2026-07-28), then a forced refresh (rotation) and a call with the new token;
#   2. FastMCP (`fastmcp` 4.0.10): its `OAuth` helper with its own loopback callback server (the browser is sent to it).
#
#   ~/.pyenv/versions/3.11.7/bin/python -m venv /tmp/py-mcp && /tmp/py-mcp/bin/pip install --index-url file:///opt/pypi/simple mcp==2.3.0 fastmcp playwright
#   APP_URL=http://localhost:3804 /tmp/py-mcp/bin/python scripts/oauth-checks/python-clients.py
# Exit 0 = every client ok; 1 = a check failed (the line says which); 2 = the run itself broke.
import asyncio, os, sys, time, urllib.parse, warnings

import httpx2 as httpx
from playwright.async_api import async_playwright
from mcp.client import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

APP = os.environ.get("APP_URL", "http://localhost:3000").rstrip("/")
MCP = f"{APP}/mcp"
EMAIL = os.environ.get("PY_CLIENT_EMAIL", f"py-clients-{int(time.time())}@example.test")
CALLBACK = "http://127.0.0.1:6310/callback"  # the SDK client's redirect URI: answered by the browser's route below
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        failures.append(what)


def text_of(result):
    return "\n".join(getattr(c, "text", "") or "" for c in result.content)


class Browser:
    """One Chromium page: signs in through the development provider once, then approves each consent page."""

    def __init__(self, page):
        self.page = page
        self.callback = None

    async def approve(self, url):
        page = self.page
        await page.goto(url)
        if urllib.parse.urlparse(page.url).path == "/signin":
            await page.get_by_test_id("sign-in").click()
            await page.wait_for_url("**/interaction/**")
            await page.locator("#email").fill(EMAIL)
            await page.get_by_role("button", name="Sign in", exact=True).click()
        await page.wait_for_url("**/connect?**", timeout=60_000)
        await page.get_by_test_id("consent-approve").click()


async def call_when_ready(client, name, args):
    # A first sign-in provisions the person's tenant: its tools answer "starting" for a few seconds.
    for _ in range(90):
        r = await client.call_tool(name, args)
        t = text_of(r)
        if not (r.is_error and ("starting" in t or "not active" in t or "could not be reached" in t)):
            return r
        await asyncio.sleep(1)
    return r


async def sdk_client(browser):
    got = {}

    async def on_callback(route):
        got["url"] = route.request.url
        await route.fulfill(status=200, body="signed in; you may close this page")

    await browser.page.route("http://127.0.0.1:6310/**", on_callback)

    async def redirect_handler(url):
        got.clear()
        await browser.approve(url)
        for _ in range(300):
            if "url" in got:
                return
            await asyncio.sleep(0.1)

    async def callback_handler():
        q = urllib.parse.parse_qs(urllib.parse.urlparse(got.pop("url")).query)
        return AuthorizationCodeResult(code=q["code"][0], state=q.get("state", [None])[0], iss=q.get("iss", [None])[0])

    class Mem:
        def __init__(self):
            self.t = None
            self.c = None
        async def get_tokens(self): return self.t
        async def set_tokens(self, t): self.t = t
        async def get_client_info(self): return self.c
        async def set_client_info(self, c): self.c = c

    storage = Mem()
    provider = OAuthClientProvider(
        server_url=MCP,
        client_metadata=OAuthClientMetadata(client_name="python-mcp 2.3.0", redirect_uris=[CALLBACK], grant_types=["authorization_code", "refresh_token"],
                                            response_types=["code"], token_endpoint_auth_method="none"),
        storage=storage, redirect_handler=redirect_handler, callback_handler=callback_handler)
    async with httpx.AsyncClient(auth=provider, timeout=60) as http:
        for mode in ("legacy", "2026-07-28"):
            async with Client(streamable_http_client(MCP, http_client=http), mode=mode) as c:
                tools = (await c.list_tools()).tools
                check(len(tools) == 21 and any(t.name == "search_notes" for t in tools), f"mcp SDK ({mode}): tools/list answered {len(tools)} tools")
                title = f"Python SDK {mode}"
                w = await call_when_ready(c, "write_note", {"title": title, "directory": "py-clients", "content": f"# {title}\n\nwritten by the okapi python client"})
                check(not w.is_error, f"mcp SDK ({mode}): write_note — {text_of(w).splitlines()[0] if text_of(w) else ''}")
                r = await c.call_tool("read_note", {"identifier": f"py-clients/{title.lower().replace(' ', '-')}"})
                check(not r.is_error and "okapi python client" in text_of(r), f"mcp SDK ({mode}): read_note returns the note")
                s = await c.call_tool("search_notes", {"query": "okapi python", "output_format": "json"})
                check(not s.is_error and title in text_of(s), f"mcp SDK ({mode}): search_notes finds it")
        check(storage.c is not None and storage.c.client_id.startswith("bmcl_"), f"mcp SDK: registered by DCR ({storage.c.client_id if storage.c else None})")
        first_refresh = storage.t.refresh_token if storage.t else None
        provider.context.token_expiry_time = 1.0  # the provider refreshes before its next request
        async with Client(streamable_http_client(MCP, http_client=http), mode="2026-07-28") as c:
            r = await c.call_tool("list_memory_projects", {})
            check(not r.is_error, "mcp SDK: a call after a forced refresh")
        check(storage.t is not None and storage.t.refresh_token != first_refresh, "mcp SDK: the refresh token was rotated")
    await browser.page.unroute("http://127.0.0.1:6310/**")


async def fastmcp_client(browser):
    from fastmcp import Client as FastClient
    from fastmcp.client.auth import OAuth

    class HeadlessOAuth(OAuth):
        # FastMCP opens the system browser; here Chromium signs in and approves, and is then sent to FastMCP's own
        # loopback callback server like a person's browser would be.
        async def redirect_handler(self, authorization_url):
            await browser.approve(authorization_url)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # in-memory token storage
        auth = HeadlessOAuth(client_name="fastmcp 4.0.10", callback_host="127.0.0.1")
    async with FastClient(MCP, auth=auth) as c:
        tools = await c.list_tools()
        check(len(tools) == 21, f"fastmcp: tools/list answered {len(tools)} tools")
        r = await c.call_tool("search_notes", {"query": "okapi python", "output_format": "json"}, raise_on_error=False)
        check(not r.is_error and "Python SDK" in text_of(r), "fastmcp: search_notes finds the SDK client's notes (same person)")
        bad = await c.call_tool("read_note", {"identifier": 42}, raise_on_error=False)
        check(bad.is_error, "fastmcp: a wrong argument type is a tool error")


async def main():
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = await chromium.new_page()
        browser = Browser(page)
        try:
            await sdk_client(browser)
            await fastmcp_client(browser)
            apps = await page.request.get(f"{APP}/api/connected-apps")
            names = sorted(a["client_name"] for a in (await apps.json())["connected_apps"])
            check("python-mcp 2.3.0" in names and "fastmcp 4.0.10" in names, f"connected apps lists both clients: {names}")
        finally:
            await chromium.close()
    print("RESULT", "ok" if not failures else f"FAILED ({len(failures)})")
    return 0 if not failures else 1


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except SystemExit:
        raise
    except BaseException as err:  # noqa: BLE001 - the run itself broke: say where
        import traceback
        traceback.print_exc()
        print("RESULT run failed:", repr(err))
        sys.exit(2)
