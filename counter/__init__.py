"""The clerk's desk app (``motcua counter``): login, the queue panel, dossier intake and
hand-back, appointments, the supervisor's dashboard and the admin screens."""
