"""Events: PLOVER-coded who-did-what-to-whom, with dates, places, quotes, modality and evidence."""
