"""Accounts views: login, passwords and tokens (auth), and the "Personnes" section where managers handle people (people)."""
