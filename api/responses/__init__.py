"""Response models: the shape of every answer, as /openapi.json documents it and the fuzzer holds us to."""

from api.responses.cases import (AssignmentPage, AssignmentRead, CaseDetail, CaseEventRead, CaseFeature,
                                 CaseFeatureCollection, CaseList, CasePage, CaseRead, CategoryRead, LifecycleAction,
                                 LifecycleRead, ReportAnswer, StatusLabel, StepAnswer)
from api.responses.common import (FeatureCollection, Instant, MultiPolygonGeometry, Page, PointFeature, PointGeometry,
                                  PolygonGeometry, ReadModel)
from api.responses.resources import (AlertFeature, AlertFeatureCollection, AlertList, AlertPage, AlertRead,
                                     CameraFeature, CameraFeatureCollection, CameraHealthRead, CameraList, CameraPage,
                                     CameraRead, CoveringCamera, CoveringRead, DeadLetterPage, DeadLetterRead,
                                     DeviceFeature,
                                     DeviceFeatureCollection, DeviceList, DevicePage, DeviceRead, TeamFeature,
                                     TeamFeatureCollection, TeamList, TeamPage, TeamRead)
from api.responses.grids import (GridBulkLocation, GridDetail, GridFeature, GridFeatureCollection, GridList,
                                 GridLocation, GridPage, GridRead, GridRef, GridSetList, GridSetRead, GridStaffRead,
                                 GridSummary, LocatedPoint)
from api.responses.system import (AccountPage, AccountRead, AuditEntryRead, AuditPage, AuditVerifyRead, EventPage,
                                  FeedEntryRead, HealthCounts, HealthRead, HealthUnavailable, IngestCounts,
                                  StreamTicketRead, TokenRead, UserRead)

__all__ = [
    "AccountPage", "AccountRead", "AlertFeature", "AlertFeatureCollection", "AlertList", "AlertPage", "AlertRead",
    "AssignmentPage", "AssignmentRead", "AuditEntryRead", "AuditPage", "AuditVerifyRead", "CameraFeature",
    "CameraFeatureCollection", "CameraHealthRead", "CameraList", "CameraPage", "CameraRead", "CaseDetail",
    "CaseEventRead",
    "CaseFeature", "CaseFeatureCollection", "CaseList", "CasePage", "CaseRead", "CategoryRead", "CoveringCamera",
    "CoveringRead", "DeadLetterPage", "DeadLetterRead", "DeviceFeature", "DeviceFeatureCollection", "DeviceList",
    "DevicePage", "DeviceRead", "EventPage", "FeatureCollection", "FeedEntryRead", "GridBulkLocation",
    "GridDetail", "GridFeature", "GridFeatureCollection", "GridList", "GridLocation", "GridPage", "GridRead",
    "GridRef", "GridSetList", "GridSetRead", "GridStaffRead", "GridSummary", "LocatedPoint", "HealthCounts", "HealthRead",
    "HealthUnavailable", "IngestCounts", "Instant", "LifecycleAction", "LifecycleRead", "MultiPolygonGeometry",
    "Page", "PointFeature", "PointGeometry", "PolygonGeometry", "ReadModel", "ReportAnswer", "StatusLabel",
    "StepAnswer", "StreamTicketRead", "TeamFeature", "TeamFeatureCollection", "TeamList", "TeamPage", "TeamRead",
    "TokenRead", "UserRead",
]
