"""Statements over PostgreSQL's wire protocol from a pure-Python driver
(pg8000): pgwire.py HOST PORT."""
import sys

import pg8000

conn = pg8000.connect(user="postgres", host=sys.argv[1], port=int(sys.argv[2]), database="postgres")
cur = conn.cursor()
cur.execute("CREATE TABLE IF NOT EXISTS wire (id integer, name text)")
for i in range(4):
    cur.execute("INSERT INTO wire VALUES (%s, %s)", (i, "n%d" % i))
for i in range(3):
    cur.execute("SELECT name FROM wire WHERE id = %s", (i,))
    cur.fetchall()
try:
    cur.execute("SELECT * FROM no_such_table")
except Exception:
    conn.rollback()
conn.commit()
conn.close()
