"""The Textual interface. Business rules stay in services; every database call runs in a
thread worker and comes back as a message."""
