"""The teams' participant register: reading it, its rules, and the outcome and ORS tables per period."""
