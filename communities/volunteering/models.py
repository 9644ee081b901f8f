"""Party report-in, service projects, volunteer call-outs, sign-ups, check-in and hours."""
