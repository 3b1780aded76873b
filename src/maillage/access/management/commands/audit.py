"""`maillage audit`: the audit chain's tools.

- `verify` walks the whole chain and every seal, and names the first altered, deleted, reordered, inserted,
  recomputed or truncated entry (exit status 1 when the chain is broken);
- `seal` writes a signed, dated checkpoint of the chain head outside the database (run it periodically);
- `anchor` covers, once, the entries written before the chain was keyed;
- `keygen` prints a new audit key and a new seal signing key, for a first install or a rotation.

A tool of the data controller, run on the server: it reads every audit entry outside the door's pages, so each
verify then leaves its own entry in the audit (`access.services.controller_tool_record`).
"""

import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from nacl.signing import SigningKey

from maillage.access import audit, audit_keys, seals
from maillage.access.enums import Action
from maillage.access.services import controller_tool_record


class Command(BaseCommand):
    help = (
        "Audit log tools: verify the keyed hash chain and its seals, seal the chain head, anchor, keygen. "
        "A tool of the data controller: each verify is recorded in the audit."
    )

    def add_arguments(self, parser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        check = subcommands.add_parser(
            "verify", help="Check the whole chain, its MACs and every seal; name the first bad entry."
        )
        check.add_argument("--chunk", type=int, default=20000, help="Rows fetched per round trip.")
        check.add_argument(
            "--workers", type=int, default=None, help="Processes checking a long chain (default: one per core)."
        )
        subcommands.add_parser("seal", help="Verify the chain, then write a signed, dated seal of its head.")
        subcommands.add_parser(
            "anchor", help="Once, after the upgrade: cover the entries written before the chain was keyed."
        )
        subcommands.add_parser("keygen", help="Print a new audit HMAC key and a new seal signing key.")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"handle_{options['subcommand']}")(options)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error

    def handle_verify(self, options) -> None:
        started = time.perf_counter()

        def progress(count: int) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"... {count} entries checked")

        result = audit.verify(chunk=options["chunk"], progress=progress, workers=options["workers"])
        elapsed = time.perf_counter() - started
        controller_tool_record(
            "audit verify", action=Action.VIEW, counts={"entries": result.checked, "ok": int(result.ok)}
        )
        rate = result.checked / elapsed if elapsed > 0 else 0
        if result.ok:
            processes = f", {result.workers} processes" if result.workers > 1 else ""
            self.stdout.write(f"{result.message()} {elapsed:.2f} s, {rate:,.0f} entries/s{processes}")
            return
        raise CommandError(result.message())

    def handle_seal(self, options) -> None:
        try:
            seal, created = seals.seal_create()
        except seals.SealError as error:
            raise CommandError(str(error)) from error
        if created:
            self.stdout.write(f"Sealed entry seq={seal.seq} at {seal.sealed_at}: {seal.name}")
        else:
            self.stdout.write(f"Nothing new since the seal of entry seq={seal.seq} ({seal.name}).")

    def handle_anchor(self, options) -> None:
        try:
            seq = audit.anchor()
        except audit.AnchorRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Anchored: entries 1..{seq} are covered by the MAC of entry seq={seq}.")

    def handle_keygen(self, options) -> None:
        signing = SigningKey.generate()
        key_id = time.strftime("%Y%m%d")
        self.stdout.write(
            "Keep these outside the database and outside the backups.\n"
            f"AUDIT_HMAC_KEYS entry (append it, keep the older ones):  {key_id}:{audit_keys.generate_secret()}\n"
            f"AUDIT_SEAL_SIGNING_KEY:  {seals._b64(bytes(signing))}\n"
            f"AUDIT_SEAL_PUBLIC_KEYS (give it to whoever checks the seals):  {seals.public_key_text(signing)}"
        )
