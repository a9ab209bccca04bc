"""Checks spindle_dag.py without Airflow (Airflow cannot be installed here: no PyPI).

It imports the DAG file against a minimal stand-in of the few Airflow names the file uses (DAG, Param,
SparkSubmitOperator and the >> operator), records tasks and edges, checks ids are unique and the graph is acyclic,
validates the schedule with croniter, renders each task's templated arguments the way Airflow would for one
logical date, and prints the spark-submit command lines as JSON, so a test can run each through SparkSubmit.

Not exercised: Airflow's scheduler, its real operator (connection lookup, YARN/K8s polling), retries in action.

Usage: /usr/bin/python3 conf/airflow/check_dag.py [--ds 2026-11-23] [--param key=value ...]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import types
from datetime import datetime


class StandInDag:
    current = None

    def __init__(self, dag_id, schedule=None, params=None, default_args=None, **kwargs):
        self.dag_id = dag_id
        self.schedule = schedule
        self.params = params or {}
        self.default_args = default_args or {}
        self.kwargs = kwargs
        self.tasks = {}
        self.edges = []

    def __enter__(self):
        StandInDag.current = self
        return self

    def __exit__(self, *exc):
        StandInDag.current = None
        return False


class StandInParam:
    def __init__(self, default, **kwargs):
        self.default = default
        self.kwargs = kwargs


class StandInSparkSubmitOperator:
    def __init__(self, task_id, application, java_class, application_args, conf=None, **kwargs):
        dag = StandInDag.current
        if dag is None:
            raise RuntimeError(f"task {task_id} created outside a DAG context")
        if task_id in dag.tasks:
            raise RuntimeError(f"duplicate task id {task_id}")
        self.task_id = task_id
        self.application = application
        self.java_class = java_class
        self.application_args = list(application_args)
        self.conf = dict(conf or {})
        self.kwargs = kwargs
        self.dag = dag
        dag.tasks[task_id] = self

    def __rshift__(self, other):
        self.dag.edges.append((self.task_id, other.task_id))
        return other


def install_stand_ins():
    airflow = types.ModuleType("airflow")
    airflow.DAG = StandInDag
    models = types.ModuleType("airflow.models")
    param = types.ModuleType("airflow.models.param")
    param.Param = StandInParam
    providers = types.ModuleType("airflow.providers")
    apache = types.ModuleType("airflow.providers.apache")
    spark = types.ModuleType("airflow.providers.apache.spark")
    operators = types.ModuleType("airflow.providers.apache.spark.operators")
    submit = types.ModuleType("airflow.providers.apache.spark.operators.spark_submit")
    submit.SparkSubmitOperator = StandInSparkSubmitOperator
    for name, module in {
        "airflow": airflow, "airflow.models": models, "airflow.models.param": param,
        "airflow.providers": providers, "airflow.providers.apache": apache,
        "airflow.providers.apache.spark": spark, "airflow.providers.apache.spark.operators": operators,
        "airflow.providers.apache.spark.operators.spark_submit": submit,
    }.items():
        sys.modules[name] = module


def topological_order(tasks, edges):
    incoming = {t: 0 for t in tasks}
    for _, b in edges:
        incoming[b] += 1
    ready = [t for t in tasks if incoming[t] == 0]
    order = []
    while ready:
        t = ready.pop(0)
        order.append(t)
        for a, b in edges:
            if a == t:
                incoming[b] -= 1
                if incoming[b] == 0:
                    ready.append(b)
    if len(order) != len(tasks):
        raise SystemExit("DAG has a cycle among: " + ", ".join(sorted(set(tasks) - set(order))))
    return order


def render(text, params, ds):
    values = {"ds": ds.strftime("%Y-%m-%d"), "ds_nodash": ds.strftime("%Y%m%d")}

    def substitute(match):
        expr = match.group(1).strip()
        if expr.startswith("params."):
            return str(params[expr[len("params."):]])
        if expr in values:
            return values[expr]
        raise SystemExit(f"unknown template expression {{{{ {expr} }}}}")

    return re.sub(r"\{\{(.*?)\}\}", substitute, text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dag", default=__file__.replace("check_dag.py", "spindle_dag.py"))
    parser.add_argument("--ds", default="2026-11-23")
    parser.add_argument("--param", action="append", default=[])
    args = parser.parse_args()

    install_stand_ins()
    spec = importlib.util.spec_from_file_location("spindle_dag", args.dag)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dags = [v for v in vars(module).values() if isinstance(v, StandInDag)]
    if len(dags) != 1:
        raise SystemExit(f"expected one DAG in {args.dag}, found {len(dags)}")
    dag = dags[0]

    from croniter import croniter  # Debian python3-croniter

    if not croniter.is_valid(dag.schedule):
        raise SystemExit(f"invalid cron schedule {dag.schedule!r}")
    next_run = croniter(dag.schedule, datetime(2026, 11, 23)).get_next(datetime)

    params = {k: v.default for k, v in dag.params.items()}
    for item in args.param:
        key, _, value = item.partition("=")
        params[key] = value
    ds = datetime.strptime(args.ds, "%Y-%m-%d")
    order = topological_order(list(dag.tasks), dag.edges)
    dedup_args = dag.tasks["spindle_dedup"].application_args if "spindle_dedup" in dag.tasks else []
    if "dedup.against={{ params.dedup_against }}" not in dedup_args:
        raise SystemExit("the dedup task must pass --set dedup.against={{ params.dedup_against }} (incremental dedup)")
    commands = []
    for task_id in order:
        task = dag.tasks[task_id]
        commands.append({
            "task_id": task_id,
            "java_class": task.java_class,
            "application": task.application,
            "conf": task.conf,
            "args": [render(a, params, ds) for a in task.application_args],
        })
    print(json.dumps({
        "dag_id": dag.dag_id,
        "schedule": dag.schedule,
        "next_run_after_2026_11_23": next_run.isoformat(),
        "retries": dag.default_args.get("retries"),
        "tasks": order,
        "edges": dag.edges,
        "commands": commands,
    }, indent=2))


if __name__ == "__main__":
    main()
