"""samrehab: registrering, kryptering och uppföljning för ISF:s utvärdering av samordningsförbunden."""

__version__ = "0.1.0"
