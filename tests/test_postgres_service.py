"""CI proves the PostgreSQL service is really there (see .ci/run)."""

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.postgres


def test_postgres_answers_on_a_fresh_database(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
            assert conn.execute(sa.text("SELECT current_database()")).scalar_one() == engine.url.database
    finally:
        engine.dispose()
