<?php
$string['thislanguage'] = 'Deutsch';
