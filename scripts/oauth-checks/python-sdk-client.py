# The Python MCP SDK 2.3.0 OAuthClientProvider against a running app's authorization server: PRM discovery from a
# 401 on /mcp, AS metadata, DCR, PKCE + resource, sign-in and consent in Chromium, RFC 9207 iss check, code exchange,
# a forced refresh. Requests to /mcp itself are answered by a stand-in inside the client's transport (401 without a
# token, 200 with one), so this checks the authorization server alone, with or without the real /mcp.
#
#   python -m venv /work/venvs/oauth-mcp-py && /work/venvs/oauth-mcp-py/bin/pip install --index-url file:///opt/pypi/simple mcp==2.3.0 playwright
#   APP_URL=http://localhost:6300 /work/venvs/oauth-mcp-py/bin/python scripts/oauth-checks/python-sdk-client.py   # exit 0 = ok
import asyncio, os, sys, urllib.parse
import httpx2 as httpx
from playwright.async_api import async_playwright
from mcp.client.auth import OAuthClientProvider
from mcp.shared.auth import OAuthClientMetadata, AuthorizationCodeResult

APP = os.environ.get("APP_URL", "http://localhost:3000")
CALLBACK = "http://127.0.0.1:6310/callback"
seen_tokens = []

class StandInMcp(httpx.AsyncBaseTransport):
    def __init__(self): self.real = httpx.AsyncHTTPTransport()
    async def handle_async_request(self, request):
        if str(request.url).split("?")[0] == f"{APP}/mcp":
            auth = request.headers.get("authorization")
            if not auth:
                return httpx.Response(401, headers={"www-authenticate": f'Bearer resource_metadata="{APP}/.well-known/oauth-protected-resource/mcp", scope="memory:read memory:write memory:admin"'}, json={"detail": "auth"})
            seen_tokens.append(auth.split(" ", 1)[1])
            return httpx.Response(200, json={"ok": True})
        return await self.real.handle_async_request(request)

class Mem:
    def __init__(self): self.t = None; self.c = None
    async def get_tokens(self): return self.t
    async def set_tokens(self, t): self.t = t
    async def get_client_info(self): return self.c
    async def set_client_info(self, c): self.c = c

async def main():
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium")
        page = await browser.new_page()
        got = {}
        async def on_cb(route):
            got["url"] = route.request.url
            await route.fulfill(status=200, body="ok")
        await page.route("http://127.0.0.1:6310/**", on_cb)
        async def redirect_handler(url):
            await page.goto(url)
            if urllib.parse.urlparse(page.url).path == "/signin":
                await page.get_by_test_id("sign-in").click()
                await page.wait_for_url("**/interaction/**")
                await page.locator("#email").fill("python-sdk@example.test")
                await page.get_by_role("button", name="Sign in", exact=True).click()
            await page.wait_for_url("**/connect?**", timeout=30000)
            await page.get_by_test_id("consent-approve").click()
            for _ in range(150):
                if "url" in got: break
                await asyncio.sleep(0.1)
        async def callback_handler():
            q = urllib.parse.parse_qs(urllib.parse.urlparse(got.pop("url")).query)
            return AuthorizationCodeResult(code=q["code"][0], state=q.get("state", [None])[0], iss=q.get("iss", [None])[0])
        storage = Mem()
        provider = OAuthClientProvider(
            server_url=f"{APP}/mcp",
            client_metadata=OAuthClientMetadata(client_name="python-mcp 2.3.0", redirect_uris=[CALLBACK], grant_types=["authorization_code", "refresh_token"], response_types=["code"], token_endpoint_auth_method="none"),
            storage=storage, redirect_handler=redirect_handler, callback_handler=callback_handler)
        async with httpx.AsyncClient(auth=provider, transport=StandInMcp()) as client:
            r = await client.get(f"{APP}/mcp")
            print("first call:", r.status_code, "client_id:", storage.c.client_id, "scope:", storage.t.scope, "expires_in:", storage.t.expires_in)
            first_refresh = storage.t.refresh_token
            provider.context.token_expiry_time = 1.0  # force the proactive refresh
            r = await client.get(f"{APP}/mcp")
            print("after forced expiry:", r.status_code, "refresh rotated:", storage.t.refresh_token != first_refresh, "distinct access tokens seen:", len(set(seen_tokens)))
        apps = await page.request.get(f"{APP}/api/connected-apps")
        print("connected apps:", [(a["client_name"], a["redirect_host"], a["groups"]) for a in (await apps.json())["connected_apps"]])
        await browser.close()
        ok = r.status_code == 200 and storage.t.refresh_token != first_refresh and len(set(seen_tokens)) == 2
        print("RESULT", "ok" if ok else "FAILED")
        sys.exit(0 if ok else 1)

asyncio.run(main())
