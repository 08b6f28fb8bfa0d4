"""The text ``ecopanel demo`` and ``seed-demo`` print: where the demo runs and how to sign in."""

from __future__ import annotations

from ecopanel.demo.accounts import DEMO_PASSWORDS


def logins_text(base_url: str) -> str:
    lines = [f"ecopanel demo at {base_url}/  (API: {base_url}/api/v1, OpenAPI: {base_url}/openapi.json)",
             "Demo logins (email / password):"]
    roles = {"office": "Office staff", "admin": "Office administrator (sets up TOTP at first sign-in)", "jiangsu": "Jiangsu province (32)",
             "guangdong": "Guangdong province (44)", "park1": "park user (park 1)", "expert1": "expert user"}
    for email, password in DEMO_PASSWORDS.items():
        lines.append(f"  {email:<26} {password:<22} {roles[email.split('@')[0]]}")
    lines.append("API token: ecopanel tokens issue office@ecopanel.demo")
    return "\n".join(lines)

