"""`gridwatch demo`: the whole system on one machine with a simulated town."""

from __future__ import annotations

import logging
import secrets
import shutil
import socket
import threading
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

from rich.console import Console
from rich.panel import Panel

from access.models import Role
from access.service import create_user, reset_password
from audit.service import record
from cases.lifecycle import Action
from cases.models import CaseStatus, TaskState
from cases.offer_use_cases import answer_offer_and_announce
from cases.offers import Answer
from cases.service import StepInput
from cases.use_cases import take_step_and_announce
from gis.geometry import haversine_m
from gridwatch.broker import EmbeddedBroker, free_port
from gridwatch.dispatch_offers import configure_dispatch
from gridwatch.demo_video import demo_settings, prepare_demo_video
from gridwatch.runtime import Core, open_migrated_store, serve_http, start_ingest
from gridwatch.settings import Settings
from gridwatch.simulate import TownSimulator
from gridwatch.towns import ensure_town_files, load_town_dir
from gridwatch.jobs_wiring import start_worker_runtime
from iot.mqtt import MqttPublisher
from storage import Store, UnitOfWork

logger = logging.getLogger(__name__)

FIELD_ACTOR = "demo:field-team"
DEMO_ADMIN = "admin"


def ensure_demo_admin(store: Store) -> str:
    """Create the demo's admin, or give it a new password; return the password to print."""
    password = "Gw-" + secrets.token_urlsafe(9)
    now = datetime.now(UTC)
    with store.unit_of_work() as uow:
        if uow.users.get(DEMO_ADMIN) is None:
            create_user(users=uow.users, username=DEMO_ADMIN, password=password, role=Role.ADMIN,
                        display_name="演示管理员 Demo admin", now=now)
        else:
            reset_password(users=uow.users, sessions=uow.sessions, username=DEMO_ADMIN, password=password, now=now)
        record(repo=uow.audit, at=now, actor="demo", role="cli", source_ip="local", action="users.demo_admin",
               target=f"username={DEMO_ADMIN}")
    return password


def http_port(host: str, preferred: int) -> int:
    """Return preferred if it is free on host, else (or for 0) a free port, saying so."""
    if preferred:
        with socket.socket() as probe:
            try:
                probe.bind((host, preferred))
                return preferred
            except OSError:
                logger.warning("port %d on %s is taken; using a free one", preferred, host)
    return free_port(host)


def busy_team_targets(store: Store) -> dict[str, tuple[float, float]]:
    """Return where each team on its way is heading: the location of the case its active assignment holds it for."""
    targets = {}
    with store.unit_of_work() as uow:
        for assignment in uow.assignments.active():
            case = uow.cases.get(assignment.case_id)
            if case is not None and assignment.arrived_at is None:
                targets[assignment.team_id] = (case.lon, case.lat)
    return targets


class FieldTeams:
    """Plays the teams' phones: on arrival a team starts handling, a little later it reports back."""

    def __init__(self, core: Core, *, interval_s: float = 2.0, handling: timedelta = timedelta(seconds=20)) -> None:
        self.core = core
        self.interval_s = interval_s
        self.handling = handling
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-field-teams", daemon=True)

    def start(self) -> None:
        """Start playing."""
        self._thread.start()

    def stop(self) -> None:
        """Stop playing."""
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self._tick(datetime.now(UTC))
            except Exception:
                logger.exception("field-team simulation step failed")

    def _tick(self, now: datetime) -> None:
        with self.core.store.unit_of_work() as uow:
            for case in uow.cases.list(status=CaseStatus.DISPATCHED, limit=200):
                active = uow.assignments.for_case(case.id, active_only=True)  # type: ignore[arg-type]
                for offer in (a for a in active if a.state is TaskState.OFFERED):
                    # The demo's teams take every offer at the next tick (a real one may decline or let it lapse).
                    answer_offer_and_announce(uow, locator=self.core.locator, case_id=case.id,  # type: ignore[arg-type]
                                              assignment_id=offer.id,  # type: ignore[arg-type]
                                              answer=Answer.ACCEPT, actor=FIELD_ACTOR, at=now, note="on our way 已接单")
                teams = [uow.teams.get(a.team_id) for a in active]
                arrived = any(t is not None and t.position and haversine_m(case.lon, case.lat, *t.position) < 60
                              for t in teams)
                if arrived or now - case.updated_at > timedelta(minutes=2):
                    self._step(uow, case.id, Action.START, "arrived on site 到达现场", now)
            for case in uow.cases.list(status=CaseStatus.HANDLING, limit=200):
                if now - case.updated_at > self.handling:
                    self._step(uow, case.id, Action.FEEDBACK, "handled, photos attached 已处置", now)
            # A team is held until its work is verified; an operator who does not verify in time is stood in for,
            # or the demo's teams would all end up busy.
            for case in uow.cases.list(status=CaseStatus.HANDLED, limit=200):
                if now - case.updated_at > 3 * self.handling:
                    self._step(uow, case.id, Action.VERIFY, "verified from the photos 核查通过", now,
                               actor="demo:command-room")

    def _step(self, uow: UnitOfWork, case_id: int, action: Action, note: str, now: datetime, *,
              actor: str = FIELD_ACTOR) -> None:
        take_step_and_announce(uow, locator=self.core.locator, case_id=case_id, step_in=StepInput(action, note=note),
                               actor=actor, at=now, case_clock=self.core.case_clock)


def run_demo(settings: Settings, *, port: int, seed: int, fresh: bool, console: Console) -> None:
    """Start store, broker, ingest, simulator and web server; Ctrl-C stops them in reverse order."""
    settings = demo_settings(settings)
    data_dir = settings.data_dir
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        with console.status("preparing the synthetic town"):
            town_dir = ensure_town_files(data_dir / "town", seed=seed)
            store = open_migrated_store(settings.effective_store_url)
            stack.callback(store.close)
            counts = load_town_dir(store, town_dir, policy=settings.url_policy())
        console.print("[green]town loaded:[/] " + ", ".join(f"{n} {k}" for k, n in counts.items()))
        with console.status("making the demo's camera pictures") as status:
            scenes, _, said = prepare_demo_video(store, data_dir, progress=status.update)
        if scenes is not None:
            stack.callback(scenes.stop)
        console.print(("[green]camera pictures:[/] " if scenes is not None else "[yellow]camera pictures:[/] ") + said)

        broker = EmbeddedBroker()
        broker_url = broker.start()
        stack.callback(broker.stop)
        core = Core(store=store, case_clock=settings.calendar.case_clock())
        configure_dispatch(core.locator, settings)  # the town's roads.geojson: dispatch by travel time
        # amqtt 0.12 speaks MQTT 3.1.1 only (it never answers a version 5 CONNECT).
        worker = start_ingest(core, mqtt_url=broker_url, client_id="gridwatch-demo-ingest",
                              batch_size=settings.ingest_batch_size, protocol="3.1.1",
                              max_in_flight=settings.ingest_max_in_flight)
        stack.callback(worker.stop)
        jobs = start_worker_runtime(store, core.locator, settings, label="demo", retention=True, index_refresh=True,
                                    pool=True, camera_probes=True, team_silence=True, case_clock=core.case_clock)
        stack.callback(jobs.close)

        with store.unit_of_work() as uow:
            devices, teams = uow.devices.all(), uow.teams.all()
        publisher = MqttPublisher(broker_url, client_id="gridwatch-demo-simulator").start()
        stack.callback(publisher.stop)
        simulator = TownSimulator(publisher, devices, teams, seed=seed, assignments=lambda: busy_team_targets(store))
        simulator.start()
        stack.callback(simulator.stop)
        field_teams = FieldTeams(core)
        field_teams.start()
        stack.callback(field_teams.stop)

        admin_password = ensure_demo_admin(store)
        host = settings.http_host
        port = http_port(host, port)
        console.print(Panel.fit(
            f"[bold]gridwatch demo[/] is running\n\n"
            f"  command room  [link]http://{host}:{port}/[/link]\n"
            f"  log in as     {DEMO_ADMIN} / {admin_password}\n"
            f"  API docs      http://{host}:{port}/docs\n"
            f"  MQTT broker   {broker_url}  (topics gridwatch/sensors/+/readings, gridwatch/teams/+/position)\n"
            f"  store         {settings.effective_store_url}\n\n"
            f"{len(devices)} sensors and {len(teams)} teams are simulated; a sensor alarms about ten seconds in, "
            f"then one every 15 to 20 s,\nand each becomes a dispatched case. Press Ctrl-C to stop.",
            border_style="green"))
        serve_http(core, settings, host=host, port=port, with_ingest=True, worker=worker)
        console.print("stopping…")
