"""Airflow DAG for Spindle: one SparkSubmitOperator task per pipeline stage.

Each stage reads the previous stage's committed directory under the run directory and writes its own
(ARCHITECTURE.md, "Data flow"), so the directories are the hand-off between tasks, a retried task re-runs only
its own stage, and a re-run of a finished stage with the same config is a no-op.

Parameters (Airflow "params", overridable per DAG run):
  conf          the Spindle run config (inputs, stage settings); its paths must be visible to every executor
  runs_root     where run directories go; each DAG run writes <runs_root>/<logical date, YYYYMMDD>
  mixture_spec  the mixture spec file for the mix stage
  dedup_against earlier runs' dedup directories, comma-separated (e.g. <runs_root>/20261116/dedup,...): this
                week's documents that duplicate a document one of them kept are removed (dedup --against); those
                runs are only read. Empty: deduplicate this week's input on its own.
Connections: `spark_default` (or set SPINDLE_SPARK_CONN) pointing at the cluster (yarn / k8s / spark://).
Variables:   SPINDLE_JAR (path of spindle-pipeline-*-spark.jar), SPINDLE_SPARK_DEFAULTS (spark-defaults.conf).
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models.param import Param
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

SPINDLE_JAR = os.environ.get("SPINDLE_JAR", "/opt/spindle/spindle-pipeline-0.1.0-SNAPSHOT-spark.jar")
SPARK_DEFAULTS = os.environ.get("SPINDLE_SPARK_DEFAULTS", "/opt/spindle/conf/spark-defaults.conf")
SPARK_CONN = os.environ.get("SPINDLE_SPARK_CONN", "spark_default")
MAIN_CLASS = "dev.spindle.pipeline.Main"

# Stages in order; each task runs `spindle run --from S --to S`, so every task is exactly one stage.
STAGES = ["ingest", "dedup", "tokenize", "mix", "decompose", "train", "report"]

# Training needs one GPU per trainer task; the other stages are CPU-only.
GPU_CONF = {
    "spark.executor.resource.gpu.amount": "1",
    "spark.task.resource.gpu.amount": "1",
    "spark.executor.resource.gpu.discoveryScript": "/opt/spark/examples/src/main/scripts/getGpusResources.sh",
}

default_args = {
    "owner": "spindle",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=12),
}

with DAG(
    dag_id="spindle_pipeline",
    description="Dedup, mix, decompose and train a language model with Spindle",
    schedule="0 3 * * 1",  # Mondays 03:00: a weekly refresh of the corpus and model
    start_date=datetime(2026, 11, 1),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    params={
        "conf": Param("/opt/spindle/conf/cluster-example.conf", type="string"),
        "runs_root": Param("/mnt/shared/spindle/runs", type="string"),
        "mixture_spec": Param("/opt/spindle/conf/mixtures/example.conf", type="string"),
        "dedup_against": Param("", type="string"),
    },
    tags=["spindle", "llm", "spark"],
) as dag:
    previous = None
    for stage in STAGES:
        task = SparkSubmitOperator(
            task_id=f"spindle_{stage}",
            conn_id=SPARK_CONN,
            application=SPINDLE_JAR,
            java_class=MAIN_CLASS,
            properties_file=SPARK_DEFAULTS,
            conf=GPU_CONF if stage == "train" else {},
            application_args=[
                "run",
                "--conf", "{{ params.conf }}",
                "--run-dir", "{{ params.runs_root }}/{{ ds_nodash }}",
                "--set", "mix.spec-file={{ params.mixture_spec }}",
                "--from", stage,
                "--to", stage,
            ] + (["--set", "dedup.against={{ params.dedup_against }}"] if stage == "dedup" else []),
            name=f"spindle-{stage}",
            verbose=False,
        )
        if previous is not None:
            previous >> task
        previous = task
