"""Who works the staff desk, and what each role may see and change.

- agent: files requests for callers (phone, walk-in) and looks any request up; changes none.
- department_staff: sees and works only their own department's requests.
- supervisor: works their department's requests (every department's, if they have none) and transfers.
- admin: everything, including staff accounts and api keys.
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

    def may_view(self, department: str | None) -> bool:
        return self.role == "agent" or self.may_work(department)

    def may_work(self, department: str | None) -> bool:
        """May change a request that is now with `department` (None: not yet assigned)."""
        if self.city_wide:
            return True
        if self.role == "agent":
            return False
        return department is not None and department == self.department

    def may_transfer(self, department: str | None) -> bool:
        return self.role in ("supervisor", "admin") and self.may_work(department)

    @property
    def actor_id(self) -> str:
        return f"staff:{self.username}"
