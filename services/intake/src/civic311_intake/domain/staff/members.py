"""Who works the staff desk, and what each role may see and change.

- agent: files requests for callers (phone, walk-in) and looks any request up; changes none.
- department_staff: sees and works only their own department's requests.
- supervisor: works their department's requests (every department's, if they have none) and transfers.
- admin: everything, including staff accounts and api keys.

A request of a confidential type (an ethics report, say) is seen and worked only by the department it
is with, and by admins: not by agents, nor by city-wide supervisors. An agent may still file one for a
caller, since that is how such a report reaches the department.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Role = Literal["agent", "department_staff", "supervisor", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)


@dataclass(frozen=True)
class StaffMember:
    username: str
    display_name: str
    role: Role
    department: str | None = None

    @property
    def city_wide(self) -> bool:
        return self.role == "admin" or (self.role == "supervisor" and self.department is None)

    @property
    def may_file(self) -> bool:
        """May file a request on behalf of a caller (phone, walk-in)."""
        return self.role in ("agent", "supervisor", "admin")

    def may_view(self, department: str | None, *, confidential: bool = False) -> bool:
        if confidential:
            return self._in_confidence(department)
        return self.role == "agent" or self.may_work(department)

    def may_work(self, department: str | None, *, confidential: bool = False) -> bool:
        """May change a request that is now with `department` (None: not yet assigned)."""
        if confidential and not self._in_confidence(department):
            return False
        if self.city_wide:
            return True
        if self.role == "agent":
            return False
        return department is not None and department == self.department

    def may_transfer(self, department: str | None, *, confidential: bool = False) -> bool:
        return self.role in ("supervisor", "admin") and self.may_work(department, confidential=confidential)

    def _in_confidence(self, department: str | None) -> bool:
        if self.role == "admin":
            return True
        return self.role != "agent" and department is not None and department == self.department

    @property
    def actor_id(self) -> str:
        return f"staff:{self.username}"
