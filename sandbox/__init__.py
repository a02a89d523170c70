"""Local stand-ins of the external systems (XYP, agencies, SMS, e-Mongolia inbox, mail), over real HTTP/SMTP."""
