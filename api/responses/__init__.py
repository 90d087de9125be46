"""Response models: the shape of every answer, as /openapi.json documents it and the fuzzer holds us to."""

from api.responses.cases import (AssignmentPage, AssignmentRead, CaseDetail, CaseEventRead, CaseFeature,
                                 CaseFeatureCollection, CasePage, CaseRead, CategoryRead, LifecycleAction,
                                 LifecycleRead, ReportAnswer, StatusLabel, StepAnswer)
from api.responses.common import (FeatureCollection, Instant, MultiPolygonGeometry, Page, PointFeature, PointGeometry,
                                  PolygonGeometry, ReadModel)
from api.responses.resources import (AlertFeature, AlertFeatureCollection, AlertPage, AlertRead, CameraFeature,
                                     CameraFeatureCollection, CameraPage, CameraRead, CoveringCamera, CoveringRead,
                                     DeadLetterPage, DeadLetterRead, DeviceFeature, DeviceFeatureCollection,
                                     DevicePage, DeviceRead, GridFeature, GridFeatureCollection, GridLocation,
                                     GridPage, GridRead, TeamFeature, TeamFeatureCollection, TeamPage, TeamRead)
from api.responses.system import (AccountPage, AccountRead, AuditEntryRead, AuditPage, AuditVerifyRead, EventPage,
                                  FeedEntryRead, HealthCounts, HealthRead, HealthUnavailable, IngestCounts,
                                  StreamTicketRead, TokenRead, UserRead)

__all__ = [
    "AccountPage", "AccountRead", "AlertFeature", "AlertFeatureCollection", "AlertPage", "AlertRead",
    "AssignmentPage", "AssignmentRead", "AuditEntryRead", "AuditPage", "AuditVerifyRead", "CameraFeature",
    "CameraFeatureCollection", "CameraPage", "CameraRead", "CaseDetail", "CaseEventRead", "CaseFeature",
    "CaseFeatureCollection", "CasePage", "CaseRead", "CategoryRead", "CoveringCamera", "CoveringRead",
    "DeadLetterPage", "DeadLetterRead", "DeviceFeature", "DeviceFeatureCollection", "DevicePage", "DeviceRead",
    "EventPage", "FeatureCollection", "FeedEntryRead", "GridFeature", "GridFeatureCollection", "GridLocation",
    "GridPage", "GridRead", "HealthCounts", "HealthRead", "HealthUnavailable", "IngestCounts", "Instant",
    "LifecycleAction", "LifecycleRead", "MultiPolygonGeometry", "Page", "PointFeature", "PointGeometry",
    "PolygonGeometry", "ReadModel", "ReportAnswer", "StatusLabel", "StepAnswer", "StreamTicketRead", "TeamFeature",
    "TeamFeatureCollection", "TeamPage", "TeamRead", "TokenRead", "UserRead",
]
