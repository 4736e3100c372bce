"""The Python frameworks' apps, one module each: the code a lesson shows is the code that runs."""
