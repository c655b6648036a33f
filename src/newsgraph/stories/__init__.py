"""Stories: the same real-world event across outlets and languages, and how each outlet tells it."""
