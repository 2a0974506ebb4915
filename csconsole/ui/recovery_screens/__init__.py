"""Service recovery in the console: the Recovery view, the checklist dialog, evaluations, the policy register."""
