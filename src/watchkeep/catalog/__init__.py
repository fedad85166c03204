"""The service catalog: teams and services that incidents refer to."""
