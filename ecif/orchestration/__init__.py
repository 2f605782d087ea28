"""What the Airflow DAG needs that is not pipeline logic: settings, dates, readiness."""
