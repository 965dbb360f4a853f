"""The incubation track: cultivating emerging groups where the market lacks providers, until they can bid."""
