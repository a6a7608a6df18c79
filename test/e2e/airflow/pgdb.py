"""create|drop a database on the local PostgreSQL (trust auth, user postgres), with the venv's psycopg2."""

import sys

import psycopg2
from psycopg2 import sql


def main(action: str, name: str, dsn: str) -> None:
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if action == "create":
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("create", "drop"):
        sys.exit("usage: pgdb.py create|drop DBNAME DSN")
    try:
        main(sys.argv[1], sys.argv[2], sys.argv[3])
    except psycopg2.OperationalError as error:
        sys.exit(f"pgdb.py: cannot reach PostgreSQL at {sys.argv[3]}: {error}".strip())
