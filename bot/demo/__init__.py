"""The bundled demo: sample outlets served on loopback."""
