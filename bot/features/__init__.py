"""What the bot does for people beyond answering: feedback that moves the ranking a little
(`ranking`), the question as understood that votes are kept under (`question`), the new lessons a
subscription should hear of after a reload (`matching`) and posting them (`alerts`), citations and
similar lessons as every door shows them (`lessons`). All of it runs over the state store
(`bot.state`) and degrades to a polite message when the store cannot be used; searching never does.
"""
