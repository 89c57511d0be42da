"""Prepared statements for the statement every page runs (haimen_gov/prepared.py, issue 16): planned once per
database connection, one round trip each time (query counts unchanged), prepared again on a new connection."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haimen_gov import prepared
from haimen_gov.context_processors import nav_counts
from tests.factories import build_org


def test_placeholders_become_numbered_parameters_one_number_per_name():
    text, names = prepared.positional("SELECT %(a)s, %(b)s WHERE x = %(a)s AND y LIKE '100%%'")
    assert text == "SELECT $1, $2 WHERE x = $1 AND y LIKE '100%%'"
    assert names == ("a", "b")


def test_literals_are_constants_quoted_for_sql():
    assert prepared.literal(1000) == "1000"
    assert prepared.literal("open") == "'open'"
    assert prepared.literal("o'clock") == "'o''clock'"
    assert prepared.literal("5%") == "'5%%'"  # psycopg2's form, as fetch_all's statements are written
    with pytest.raises(TypeError):
        prepared.literal(True)
    with pytest.raises(TypeError):
        prepared.literal(1.5)  # type: ignore[arg-type]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a flush leaves content types for the next
def test_the_navigation_statement_is_prepared_once_per_connection():
    org = build_org()
    connection.close()  # a new connection: nothing prepared in it yet

    with CaptureQueriesContext(connection) as first:
        counts = nav_counts(org.head)
    with CaptureQueriesContext(connection) as again:
        assert nav_counts(org.head) == counts
    assert [q["sql"].split()[0] for q in first.captured_queries] == ["PREPARE"]  # with its EXECUTE, one trip
    assert [q["sql"].split()[0] for q in again.captured_queries] == ["EXECUTE"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'nav_counts%%'")
        assert cursor.fetchone()[0] == 1

    connection.close()  # the prepared statement died with the connection: prepared again on the next one
    with CaptureQueriesContext(connection) as reconnected:
        assert nav_counts(org.head) == counts
    assert [q["sql"].split()[0] for q in reconnected.captured_queries] == ["PREPARE"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a flush leaves content types for the next
def test_a_statement_survives_the_rollback_of_the_transaction_it_was_prepared_in():
    from django.db import transaction

    org = build_org()
    connection.close()

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        counts = nav_counts(org.head)
        raise Rollback
    with CaptureQueriesContext(connection) as after:
        assert nav_counts(org.head) == counts
    assert [q["sql"].split()[0] for q in after.captured_queries] == ["EXECUTE"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a flush leaves content types for the next
def test_a_literal_percent_reaches_the_database_as_one_percent_prepared_or_not():
    connection.close()
    sql = f"SELECT %(n)s::int, '100%%' LIKE '100%%', 'x%%', {prepared.literal('y%')}"
    first = prepared.fetch_all("percent_probe", sql, {"n": 5})  # PREPARE and EXECUTE
    again = prepared.fetch_all("percent_probe", sql, {"n": 6})  # EXECUTE alone
    assert first == [(5, True, "x%", "y%")]
    assert again == [(6, True, "x%", "y%")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a flush leaves content types for the next
def test_a_statement_without_parameters_is_prepared_and_executed_without_an_argument_list():
    connection.close()
    with CaptureQueriesContext(connection) as queries:
        first = prepared.fetch_all("no_parameters_probe", "SELECT 1, 'a'", {})  # PREPARE and EXECUTE
        again = prepared.fetch_all("no_parameters_probe", "SELECT 1, 'a'", {})  # EXECUTE alone
    assert first == again == [(1, "a")]
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["PREPARE", "EXECUTE"]
    assert "()" not in queries.captured_queries[1]["sql"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a flush leaves content types for the next
def test_two_texts_given_one_name_are_prepared_apart():
    connection.close()
    for _ in range(2):  # prepared, then executed
        assert prepared.fetch_all("one_name_probe", "SELECT 1", {}) == [(1,)]
        assert prepared.fetch_all("one_name_probe", "SELECT %(n)s::int + 1", {"n": 1}) == [(2,)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'one_name_probe%%'")
        assert cursor.fetchone()[0] == 2
