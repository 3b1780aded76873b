"""The reference deployment in `deploy/`: nginx in front of several granian application servers, and systemd units
for the application servers, the task workers and the periodic scheduler.

- `nginx`: fill in `deploy/nginx/maillage.conf` (upstream servers, host name, TLS files, static root…);
- `systemd`: copy the units of `deploy/systemd/` with another install folder or user than `/srv/maillage`, `maillage`;
- `check` (`make deploy-check`): render both with test values into a temporary folder and have the real tools judge
  them: `nginx -t` on a complete configuration under a temporary prefix (with a self-signed certificate), and
  `systemd-analyze verify` on the units, when that tool is there.

Standard library only, no Django: the bench (`make bench-load`) runs the same configuration on loopback.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

DEPLOY_DIR = Path(__file__).resolve().parents[3] / "deploy"
NGINX_SITE = DEPLOY_DIR / "nginx" / "maillage.conf"
NGINX_PROXY = DEPLOY_DIR / "nginx" / "maillage-proxy.conf"
SYSTEMD_DIR = DEPLOY_DIR / "systemd"
DEFAULT_APP_DIR = "/srv/maillage"
DEFAULT_USER = "maillage"
# A coordination note carries up to 5 attachments (coordination.forms.MAX_FILES) of ATTACHMENT_MAX_MB each,
# plus the form and the multipart envelope.
ATTACHMENTS_PER_NOTE = 5
BODY_MARGIN_MB = 5
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def max_body_mb(attachment_max_mb: int = 10) -> int:
    return ATTACHMENTS_PER_NOTE * attachment_max_mb + BODY_MARGIN_MB


@dataclass
class NginxSite:
    """The values of `deploy/nginx/maillage.conf`. `servers` are the application servers, `host:port` each."""

    servers: list[str]
    server_name: str = "maillage.example.org"
    listen_http: str = "80"
    listen_https: str = "443"
    tls_certificate: str = "/etc/letsencrypt/live/maillage.example.org/fullchain.pem"
    tls_certificate_key: str = "/etc/letsencrypt/live/maillage.example.org/privkey.pem"
    static_root: str = f"{DEFAULT_APP_DIR}/staticfiles"
    max_body_mb: int = field(default_factory=lambda: max_body_mb(int(os.environ.get("ATTACHMENT_MAX_MB", "10"))))
    access_log: str = "/var/log/nginx/maillage.access.log"
    proxy_params: str = "/etc/nginx/snippets/maillage-proxy.conf"

    def values(self) -> dict[str, str]:
        if not self.servers:
            raise ValueError("at least one application server (host:port) is needed")
        upstream = "\n".join(f"    server {server} max_fails=3 fail_timeout=10s;" for server in self.servers)
        return {
            "upstream_servers": upstream,
            "server_name": self.server_name,
            "listen_http": self.listen_http,
            "listen_https": self.listen_https,
            "tls_certificate": self.tls_certificate,
            "tls_certificate_key": self.tls_certificate_key,
            "static_root": str(self.static_root).rstrip("/"),
            "max_body_mb": str(self.max_body_mb),
            "access_log": self.access_log,
            "proxy_params": self.proxy_params,
        }

    def render(self) -> str:
        return fill(NGINX_SITE.read_text(), self.values())


def fill(template: str, values: dict[str, str]) -> str:
    """Replace every `{{name}}`; a name without a value is an error, not a silent blank."""
    missing = sorted({name for name in PLACEHOLDER.findall(template) if name not in values})
    if missing:
        raise ValueError(f"no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def standalone_nginx(prefix: Path, site: NginxSite, *, worker_processes: int | str = "auto") -> Path:
    """A complete nginx configuration under `prefix` (pid, logs, temporary files, the site and its proxy snippet),
    for `nginx -p PREFIX -c PREFIX/nginx.conf`: nothing written outside it. Returns the main file."""
    prefix.mkdir(parents=True, exist_ok=True)
    for folder in ("logs", "temp"):
        (prefix / folder).mkdir(exist_ok=True)
    shutil.copyfile(NGINX_PROXY, prefix / "maillage-proxy.conf")
    site.proxy_params = str(prefix / "maillage-proxy.conf")
    (prefix / "maillage.conf").write_text(site.render())
    # Run as root, nginx would hand its workers to `nobody`, who may not read a checkout's static files.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    main = (
        f"{user}worker_processes {worker_processes};\n"
        f"pid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/logs/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        "    tcp_nopush on;\n"
        f"    client_body_temp_path {prefix}/temp/body;\n"
        f"    proxy_temp_path {prefix}/temp/proxy;\n"
        f"    fastcgi_temp_path {prefix}/temp/fastcgi;\n"
        f"    uwsgi_temp_path {prefix}/temp/uwsgi;\n"
        f"    scgi_temp_path {prefix}/temp/scgi;\n"
        f"    include {prefix}/maillage.conf;\n"
        "}\n"
    )
    path = prefix / "nginx.conf"
    path.write_text(main)
    return path


def self_signed_certificate(folder: Path, host: str = "localhost") -> tuple[Path, Path]:
    """A throw-away certificate and key for `host` (openssl), for the check and the loopback bench."""
    certificate, key = folder / "tls.crt", folder / "tls.key"
    openssl = shutil.which("openssl") or "/usr/bin/openssl"
    subprocess.run(  # noqa: S603 (fixed arguments)
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={host}",
         "-addext", f"subjectAltName=DNS:{host},IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def nginx_test(main_config: Path) -> subprocess.CompletedProcess:
    prefix = main_config.parent
    command = [nginx_binary() or "nginx", "-t", "-p", str(prefix), "-c", str(main_config)]
    return subprocess.run(  # noqa: S603 (our own configuration file)
        [*command, "-e", str(prefix / "logs/error.log")], capture_output=True, text=True, check=False
    )


def render_systemd(out_dir: Path, *, app_dir: str = DEFAULT_APP_DIR, user: str = DEFAULT_USER,
                   environment_file: str | None = None) -> list[Path]:  # fmt: skip
    """The units of deploy/systemd with another install folder, user or environment file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in sorted(SYSTEMD_DIR.iterdir()):
        if unit.suffix not in {".service", ".target"}:
            continue
        text = unit.read_text().replace(DEFAULT_APP_DIR, app_dir.rstrip("/"))
        text = re.sub(r"^(User|Group)=maillage$", rf"\1={user}", text, flags=re.MULTILINE)
        if environment_file:
            text = text.replace("EnvironmentFile=/etc/maillage/maillage.env", f"EnvironmentFile={environment_file}")
        (out_dir / unit.name).write_text(text)
        written.append(out_dir / unit.name)
    return written


def systemd_verify(units: list[Path]) -> subprocess.CompletedProcess | None:
    """`systemd-analyze verify` on the units (instances of the templates), or None when the tool is missing."""
    tool = shutil.which("systemd-analyze")
    if not tool:
        return None
    folder = units[0].parent
    names = []
    for unit in units:
        if unit.name.endswith("@.service"):
            names.append(unit.name.replace("@.service", "@8001.service" if "web" in unit.name else "@1.service"))
        else:
            names.append(unit.name)
    # Instances are resolved from the unit search path, which SYSTEMD_UNIT_PATH puts first (":" keeps the rest).
    env = {**os.environ, "SYSTEMD_UNIT_PATH": f"{folder}:", "SYSTEMD_LOG_COLOR": "0"}
    return subprocess.run(  # noqa: S603 (our own unit files)
        [tool, "verify", *(str(folder / name) for name in names)],
        capture_output=True, text=True, env=env, cwd=folder, check=False,
    )  # fmt: skip


def check(out=sys.stdout) -> int:
    """`make deploy-check`: the nginx configuration under `nginx -t`, the units under `systemd-analyze verify`."""
    failures = 0
    app_dir = Path(__file__).resolve().parents[3]
    with tempfile.TemporaryDirectory(prefix="maillage-deploy-check-") as temporary:
        prefix = Path(temporary) / "nginx"
        prefix.mkdir()
        certificate, key = self_signed_certificate(prefix, "maillage.example.org")
        site = NginxSite(
            servers=["127.0.0.1:8001", "127.0.0.1:8002"],
            listen_http="127.0.0.1:18080",
            listen_https="127.0.0.1:18443",
            tls_certificate=str(certificate),
            tls_certificate_key=str(key),
            static_root=str(app_dir / "staticfiles"),
            access_log=str(prefix / "logs/access.log"),
        )
        main_config = standalone_nginx(prefix, site)
        if not nginx_binary():
            print("deploy-check: nginx is not installed (apt-get install nginx)", file=out)
            return 1
        result = nginx_test(main_config)
        report = (result.stdout + result.stderr).strip().replace(temporary, "<tmp>")
        print(f"deploy-check: nginx -t on deploy/nginx (2 upstream servers):\n{report}", file=out)
        if result.returncode != 0 or "[warn]" in report or "[emerg]" in report:
            failures += 1
        units = render_systemd(
            Path(temporary) / "systemd", app_dir=str(app_dir), user="root", environment_file=str(prefix / "env")
        )
        (prefix / "env").write_text("DJANGO_SETTINGS_MODULE=config.settings.prod\n")
        verified = systemd_verify(units)
        if verified is None:
            print("deploy-check: systemd-analyze is not installed: the units were not verified (skipped)", file=out)
        else:
            report = (verified.stdout + verified.stderr).strip().replace(temporary, "<tmp>")
            print(f"deploy-check: systemd-analyze verify on deploy/systemd: {report or 'no finding'}", file=out)
            if verified.returncode != 0 or report:
                failures += 1
    print("deploy-check: " + ("FAILED" if failures else "ok"), file=out)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m maillage.core.deploy", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    nginx = commands.add_parser("nginx", help="print deploy/nginx/maillage.conf filled in")
    nginx.add_argument("--server", action="append", required=True, help="an application server, host:port (repeat)")
    for name, default in (
        ("server-name", "maillage.example.org"),
        ("listen-http", "80"),
        ("listen-https", "443"),
        ("tls-certificate", NginxSite.tls_certificate),
        ("tls-certificate-key", NginxSite.tls_certificate_key),
        ("static-root", NginxSite.static_root),
        ("access-log", NginxSite.access_log),
        ("proxy-params", NginxSite.proxy_params),
    ):
        nginx.add_argument(f"--{name}", default=default)
    nginx.add_argument("--max-body-mb", type=int, default=max_body_mb(int(os.environ.get("ATTACHMENT_MAX_MB", "10"))))
    systemd = commands.add_parser("systemd", help="write the units of deploy/systemd for another folder or user")
    systemd.add_argument("--out", required=True, type=Path)
    systemd.add_argument("--app-dir", default=DEFAULT_APP_DIR)
    systemd.add_argument("--user", default=DEFAULT_USER)
    commands.add_parser("check", help="nginx -t and systemd-analyze verify on the rendered configuration")
    options = parser.parse_args(argv)
    if options.command == "check":
        return check()
    if options.command == "systemd":
        for path in render_systemd(options.out, app_dir=options.app_dir, user=options.user):
            sys.stdout.write(f"{path}\n")
        return 0
    site = NginxSite(
        servers=options.server,
        server_name=options.server_name,
        listen_http=options.listen_http,
        listen_https=options.listen_https,
        tls_certificate=options.tls_certificate,
        tls_certificate_key=options.tls_certificate_key,
        static_root=options.static_root,
        max_body_mb=options.max_body_mb,
        access_log=options.access_log,
        proxy_params=options.proxy_params,
    )
    sys.stdout.write(site.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
