"""Broadsheet: a headless content API for newsrooms."""
