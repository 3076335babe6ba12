"""Pages of the followup app: the register (register) and the veille (veille)."""
